const ORDERS = [
  { id: 1001, customer: 'Ana', status: 'paid', amount: 40 },
  { id: 1002, customer: 'Ben', status: 'shipped', amount: 25.5 },
  { id: 1003, customer: 'Chen', status: 'refunded', amount: 12 },
  { id: 1004, customer: 'Dara', status: 'paid', amount: 99.9 },
  { id: 1005, customer: 'Eli', status: 'shipped', amount: 5.25 },
  { id: 1006, customer: 'Fay', status: 'paid', amount: 60 },
  { id: 1007, customer: 'Gus', status: 'refunded', amount: 30 },
  { id: 1008, customer: 'Hana', status: 'shipped', amount: 18.35 },
]

const STATUS_NAMES = { paid: 'Paid', shipped: 'Shipped', refunded: 'Refunded' }

function money(amount) {
  return `$${amount.toFixed(2)}`
}

function render(view) {
  const shown = ORDERS.filter((o) => view.status === 'all' || o.status === view.status)
  if (view.sorted) shown.sort((a, b) => b.amount - a.amount)
  const body = document.querySelector('#orders tbody')
  body.textContent = ''
  for (const order of shown) {
    const row = document.createElement('tr')
    for (const text of [String(order.id), order.customer, STATUS_NAMES[order.status], money(order.amount)]) {
      const cell = document.createElement('td')
      cell.textContent = text
      row.append(cell)
    }
    body.append(row)
  }
  const revenue = shown.filter((o) => o.status !== 'refunded').reduce((sum, o) => sum + o.amount, 0)
  document.getElementById('total-orders').textContent = String(shown.length)
  document.getElementById('total-revenue').textContent = money(revenue)
  document.getElementById('open-orders').textContent = String(shown.filter((o) => o.status === 'paid').length)
}

function start() {
  const view = { status: 'all', sorted: false }
  const filter = document.getElementById('status-filter')
  filter.addEventListener('change', () => {
    view.status = filter.value
    render(view)
  })
  document.getElementById('sort-amount').addEventListener('click', () => {
    view.sorted = true
    render(view)
  })
  render(view)
}

document.addEventListener('DOMContentLoaded', start)
