const YEARLY_DISCOUNT = 0.2

function isYearly() {
  return document.getElementById('yearly').checked
}

function showPrices() {
  const yearly = isYearly()
  for (const card of document.querySelectorAll('.card')) {
    const monthly = Number(card.dataset.monthly)
    const price = yearly ? Math.round(monthly * (1 - YEARLY_DISCOUNT)) : monthly
    card.querySelector('.price').textContent = `$${price}`
    card.querySelector('.billing').textContent = yearly ? 'billed yearly' : 'billed monthly'
  }
}

function choose(card) {
  document.getElementById('choice').textContent = `You chose ${card.dataset.name} (${isYearly() ? 'yearly' : 'monthly'})`
}

function start() {
  document.getElementById('yearly').addEventListener('change', showPrices)
  for (const card of document.querySelectorAll('.card')) card.querySelector('button').addEventListener('click', () => choose(card))
  showPrices()
}

document.addEventListener('DOMContentLoaded', start)
