const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function toggleMenu() {
  const button = document.getElementById('menu-toggle')
  const nav = document.getElementById('site-nav')
  const open = !nav.classList.contains('open')
  nav.classList.toggle('open', open)
  button.setAttribute('aria-expanded', String(open))
}

function submitSignup(event) {
  event.preventDefault()
  const email = document.getElementById('email')
  const error = document.getElementById('email-error')
  if (!EMAIL.test(email.value.trim())) {
    error.textContent = 'Please enter a valid email address'
    email.setAttribute('aria-invalid', 'true')
    return
  }
  error.textContent = ''
  event.target.hidden = true
  document.getElementById('thanks').hidden = false
}

function start() {
  document.getElementById('menu-toggle').addEventListener('click', toggleMenu)
  document.getElementById('signup-form').addEventListener('submit', submitSignup)
}

document.addEventListener('DOMContentLoaded', start)
