function filterLinks(query) {
  const wanted = query.trim().toLowerCase()
  for (const link of document.querySelectorAll('#sidebar li a')) {
    link.parentElement.hidden = !link.textContent.toLowerCase().includes(wanted)
  }
}

function buildToc() {
  const toc = document.getElementById('toc')
  const headings = document.querySelectorAll('main h2[id]')
  for (const heading of headings) {
    const item = document.createElement('li')
    const link = document.createElement('a')
    link.href = `#${heading.id}`
    link.textContent = heading.textContent
    item.append(link)
    toc.append(item)
  }
  toc.closest('.toc').hidden = headings.length === 0
}

function start() {
  const search = document.getElementById('doc-search')
  search.addEventListener('input', () => filterLinks(search.value))
  buildToc()
}

document.addEventListener('DOMContentLoaded', start)
