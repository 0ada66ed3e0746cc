const CART_KEY = 'cart'
const PRODUCTS = {
  apple: { name: 'Apple', price: 0.5 },
  bread: { name: 'Bread', price: 2.2 },
  cheese: { name: 'Cheese', price: 4 },
  milk: { name: 'Milk', price: 1.1 },
}

function readCart() {
  try {
    const cart = JSON.parse(localStorage.getItem(CART_KEY) || '{}')
    return cart && typeof cart === 'object' ? cart : {}
  } catch {
    return {}
  }
}

function writeCart(cart) {
  localStorage.setItem(CART_KEY, JSON.stringify(cart))
  showCart(cart)
}

function money(amount) {
  return `$${amount.toFixed(2)}`
}

function showCart(cart) {
  const ids = Object.keys(cart).filter((id) => PRODUCTS[id] && cart[id] > 0)
  document.getElementById('cart-count').textContent = String(ids.reduce((n, id) => n + cart[id], 0))
  const list = document.getElementById('cart-items')
  if (!list) return
  list.textContent = ''
  let total = 0
  for (const id of ids) {
    const product = PRODUCTS[id]
    const line = product.price * cart[id]
    total += line
    const item = document.createElement('li')
    const label = document.createElement('span')
    label.textContent = `${product.name} × ${cart[id]}: ${money(line)}`
    const remove = document.createElement('button')
    remove.type = 'button'
    remove.textContent = 'Remove'
    remove.setAttribute('aria-label', `Remove ${product.name}`)
    remove.addEventListener('click', () => {
      delete cart[id]
      writeCart(cart)
    })
    item.append(label, remove)
    list.append(item)
  }
  document.getElementById('cart-total').textContent = money(total)
  document.getElementById('empty-cart').hidden = ids.length > 0
}

function start() {
  const cart = readCart()
  for (const card of document.querySelectorAll('.product')) {
    card.querySelector('button').addEventListener('click', () => {
      const id = card.dataset.id
      cart[id] = (cart[id] || 0) + 1
      writeCart(cart)
    })
  }
  showCart(cart)
}

document.addEventListener('DOMContentLoaded', start)
