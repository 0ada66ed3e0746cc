function format(seconds) {
  const m = String(Math.floor(seconds / 60)).padStart(2, '0')
  const s = String(seconds % 60).padStart(2, '0')
  return `${m}:${s}`
}

function start() {
  const display = document.getElementById('display')
  const minutes = document.getElementById('minutes')
  const done = document.getElementById('done')
  const chosen = () => Math.min(60, Math.max(1, Math.round(Number(minutes.value) || 5))) * 60
  let left = chosen()
  let ticking = null
  const show = () => {
    display.textContent = format(left)
  }
  const stop = () => {
    clearInterval(ticking)
    ticking = null
  }
  document.getElementById('start').addEventListener('click', () => {
    if (ticking || left === 0) return
    done.textContent = ''
    ticking = setInterval(() => {
      left--
      show()
      if (left === 0) {
        stop()
        done.textContent = 'Time is up!'
      }
    }, 1000)
  })
  document.getElementById('pause').addEventListener('click', stop)
  document.getElementById('reset').addEventListener('click', () => {
    stop()
    left = chosen()
    done.textContent = ''
    show()
  })
  minutes.addEventListener('input', () => {
    if (ticking) return
    left = chosen()
    show()
  })
  show()
}

document.addEventListener('DOMContentLoaded', start)
