function thumbs() {
  return Array.from(document.querySelectorAll('#gallery .thumb'))
}

function show(state, index) {
  const all = thumbs()
  state.index = (index + all.length) % all.length
  const thumb = all[state.index]
  document.getElementById('lightbox-picture').replaceChildren(thumb.querySelector('svg').cloneNode(true))
  document.getElementById('lightbox-caption').textContent = thumb.dataset.caption
}

function start() {
  const state = { index: 0 }
  const lightbox = document.getElementById('lightbox')
  thumbs().forEach((thumb, i) => {
    thumb.addEventListener('click', () => {
      show(state, i)
      lightbox.showModal()
    })
  })
  document.getElementById('prev').addEventListener('click', () => show(state, state.index - 1))
  document.getElementById('next').addEventListener('click', () => show(state, state.index + 1))
  document.getElementById('close').addEventListener('click', () => lightbox.close())
  // Escape closes a modal dialog by itself; either way focus goes back to the thumbnail.
  lightbox.addEventListener('close', () => thumbs()[state.index].focus())
}

document.addEventListener('DOMContentLoaded', start)
