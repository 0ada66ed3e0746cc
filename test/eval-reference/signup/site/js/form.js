const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function setResult(id, message) {
  const field = document.getElementById(id)
  document.getElementById(`${id}-error`).textContent = message
  field.setAttribute('aria-invalid', message ? 'true' : 'false')
  return !message
}

function checkForm() {
  const value = (id) => document.getElementById(id).value
  const password = value('password')
  const results = [
    setResult('name', value('name').trim() ? '' : 'Please enter your name'),
    setResult('email', EMAIL.test(value('email').trim()) ? '' : 'Please enter a valid email address'),
    setResult('password', password.length >= 8 && /\d/.test(password) ? '' : 'Use at least 8 characters, including a number'),
    setResult('confirm', value('confirm') === password && password ? '' : 'The passwords do not match'),
    setResult('terms', document.getElementById('terms').checked ? '' : 'Please accept the terms'),
  ]
  return results.every(Boolean)
}

function submitForm(event) {
  event.preventDefault()
  if (!checkForm()) return
  const welcome = document.getElementById('welcome')
  welcome.textContent = `Welcome, ${document.getElementById('name').value.trim()}!`
  welcome.hidden = false
  event.target.hidden = true
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('signup').addEventListener('submit', submitForm)
})
