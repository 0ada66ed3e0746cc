/**
 * A generated multi-page site for the script-set grouping (#13, scale): pages that share
 * their scripts exactly, pages that differ by one script, inline scripts and modules,
 * handlers, import chains with a shared tail, an open page (external script, bare import,
 * a script that does not parse), a hash router, `window.x =` globals, a worker and an
 * orphan. Deterministic for a seed; sized so that most rules report something.
 */

/** mulberry32: a small seeded generator, so a seed always gives the same site. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const page = (head: string, body: string) =>
  `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>t</title>\n${head}\n</head>\n` +
  `<body>\n${body}\n</body>\n</html>\n`

export function scriptSetSite(seed: number, sections = 6, pagesPerSection = 5): Map<string, string> {
  const r = random(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
  const files = new Map<string, string>()
  const MODULES = 8
  // A chain: lib/m{k}.js imports lib/m{k-1}.js; m0 is the shared tail of every chain.
  for (let k = 0; k < MODULES; k++) {
    const dep = k > 0 ? `import { m${k - 1} } from './m${k - 1}.js'\n` : ''
    let js = `${dep}export function m${k}(x) { return ${k > 0 ? `m${k - 1}(x) + ` : ''}${k} }\n`
    js += `const local${k} = document.getElementById('${pick(['main', 'panel', `only-${k}`, 'nowhere'])}')\n`
    if (k % 3 === 1) js += `window.fromModule${k} = () => local${k}\n`
    if (k === 5) js += `addEventListener('hashchange', () => m${k}(location.hash))\n`
    if (k === 6) js += `history.pushState({}, '', '/app')\n`
    if (k === 7) js += `import('./m0.js')\nconst w = new Worker('../worker.js')\n`
    if (k % 2 === 0) js += `export const shared${k} = typoHelper${k}()\n`
    files.set(`js/lib/m${k}.js`, js)
  }
  files.set('js/lib/bare.js', "import { html } from 'lit'\nexport const t = html\nundefinedInOpen()\n")
  files.set('js/broken.js', 'function (\n')
  files.set('js/worker.js', 'self.onmessage = (e) => postMessage(e.data * 2)\nimportScripts("helpers.js")\n')
  files.set('js/orphan.js', 'function neverLoaded() { return missingThing }\n')
  files.set(
    'js/common.js',
    'const SITE = { name: "gen" }\nfunction toggleMenu(b) { b.classList.toggle("open") }\n' +
      'function track(n) { console.log(SITE.name, n) }\nimplicitGlobal = 1\n',
  )
  files.set(
    'js/extra.js',
    'function extraHelper() { return document.querySelector("#extra") }\nwindow.extraApi = { go() {} }\n',
  )
  files.set('js/uses-globals.js', 'track("x")\ntoggleMenuu()\nextraHelper()\nSITEE.name\nfromModule1()\n')
  for (let s = 0; s < sections; s++) {
    const chainTop = s % MODULES
    files.set(
      `js/section-${s}.js`,
      `import { m${chainTop} } from './lib/m${chainTop}.js'\nexport const section${s} = m${chainTop}(${s})\n` +
        `function openPanel${s}(id) { document.getElementById(id) }\nwindow.openPanel${s} = openPanel${s}\n` +
        `const sectionLocal${s} = ${s}\n`,
    )
  }
  files.set('css/site.css', ':root { --brand: red }\n.card { color: var(--brand); }\n')
  for (let s = 0; s < sections; s++) {
    for (let i = 0; i < pagesPerSection; i++) {
      const head = ['<link rel="stylesheet" href="../../css/site.css">', '<script src="../../js/common.js"></script>']
      // Most pages of a section share exactly this set; some add or swap a script.
      const variants = ['shared', 'shared', 'extra', 'inline', 'inline-module', 'open', 'broken', 'bare', 'none']
      const variant = i === 0 ? 'shared' : pick(variants)
      if (variant !== 'none') head.push(`<script type="module" src="../../js/section-${s}.js"></script>`)
      const other = (s + 3) % MODULES
      const script = (src: string) => `<script src="../../js/${src}"></script>`
      if (variant === 'extra') head.push(script('extra.js'), script('uses-globals.js'))
      if (variant === 'inline') {
        const code = `const pageLocal${i} = 1\nfunction inlineFn${i}() { return pageLocal${i} + missingInline${s} }`
        head.push(`<script>${code}</script>`)
      }
      if (variant === 'inline-module') {
        const code = `import { m${other} } from '../../js/lib/m${other}.js'\nm${other}(fromInline)`
        head.push(`<script type="module">${code}</script>`)
      }
      if (variant === 'open') head.push('<script src="https://cdn.example.com/lib.js"></script>')
      if (variant === 'broken') head.push('<script src="../../js/broken.js"></script>')
      if (variant === 'bare') head.push('<script type="module" src="../../js/lib/bare.js"></script>')
      // Only on pages whose globals are all visible, so its undefined names are reported.
      if (!['open', 'broken', 'bare'].includes(variant)) head.push('<script src="../../js/uses-globals.js"></script>')
      const ids = ['main', ...(r() < 0.5 ? ['panel'] : []), ...(r() < 0.3 ? [`only-${i}`] : [])]
      if (variant === 'extra') ids.push('extra')
      const calls = ['trackk', 'track', `inlineFn${i}`, 'extraApi.go', 'fromModule4', 'neverLoaded']
      const handlers = [
        `<button onclick="toggleMenu(this)">m</button>`,
        `<button onclick="openPanel${s}('main')">p</button>`,
        `<button onclick="openPanel${(s + 1) % sections}('main')">other section</button>`,
        `<button onclick="m${s % MODULES}(1)">module name</button>`,
        `<button onclick="sectionLocal${s}++">module local</button>`,
        `<button onclick="${pick(calls)}()">h</button>`,
      ]
      const next = `../section-${(s + 1) % sections}/page-${(i + 1) % pagesPerSection}.html#only-${i}`
      const links = ['<a href="#main">top</a>', '<a href="#panel">panel</a>', `<a href="${next}">next</a>`]
      links.push('<a href="/app/inbox">route</a>')
      const divs = ids.map((id) => `<div id="${id}" class="card">${id}</div>`)
      const body = [...divs, ...handlers, ...links].join('\n')
      files.set(`pages/section-${s}/page-${i}.html`, page(head.join('\n'), body))
    }
  }
  const home = '<a href="pages/section-0/page-0.html#main">start</a>\n<button onclick="track(1)">t</button>'
  files.set('index.html', page('<script src="js/common.js"></script>', home))
  return files
}
