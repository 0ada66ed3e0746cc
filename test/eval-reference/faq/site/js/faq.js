function setOpen(button, open) {
  const answer = document.getElementById(button.getAttribute('aria-controls'))
  button.setAttribute('aria-expanded', String(open))
  answer.hidden = !open
}

function toggleQuestion(button) {
  const opening = button.getAttribute('aria-expanded') !== 'true'
  for (const other of document.querySelectorAll('.faq-q')) setOpen(other, false)
  if (opening) setOpen(button, true)
}

function filterQuestions(query) {
  const wanted = query.trim().toLowerCase()
  let shown = 0
  for (const item of document.querySelectorAll('.faq-item')) {
    const question = item.querySelector('.faq-q')
    const match = question.textContent.toLowerCase().includes(wanted)
    item.hidden = !match
    if (match) shown++
  }
  document.getElementById('faq-empty').hidden = shown > 0
}

function start() {
  for (const button of document.querySelectorAll('.faq-q')) button.addEventListener('click', () => toggleQuestion(button))
  const search = document.getElementById('faq-search')
  search.addEventListener('input', () => filterQuestions(search.value))
}

document.addEventListener('DOMContentLoaded', start)
