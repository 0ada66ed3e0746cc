/* Crumb & Co. — order page: live summary, validation and an in-page confirmation.
   There is no server: a valid order is shown back, never submitted. Classic script, deferred. */

'use strict';

var ORDER_FIELDS = ['name', 'email', 'pickup-date', 'pickup-time', 'items']; // in page order
function formatPrice(amount) { return '£' + amount.toFixed(2); }

/* The YYYY-MM-DD a date input uses, `days` from today (local time); these sort like dates. */
function inputDateFromToday(days) {
  var date = new Date();
  date.setDate(date.getDate() + days);
  return date.getFullYear() + '-' + String(date.getMonth() + 1).padStart(2, '0') + '-' + String(date.getDate()).padStart(2, '0');
}

/* A quantity that is not a whole number from 0 to 20 (e.g. "2.5") makes the order invalid. */
function readOrderItems() {
  var order = { items: [], total: 0, invalid: false };
  document.querySelectorAll('.qty-input').forEach(function (input) {
    var qty = Number(input.value || 0);
    if (!Number.isInteger(qty) || qty < 0 || qty > 20) order.invalid = true;
    else if (qty > 0) order.items.push({ name: input.dataset.item, qty: qty, price: Number(input.dataset.price) });
  });
  order.items.forEach(function (item) { order.total += item.qty * item.price; });
  return order;
}

function textElement(tag, text, className) {
  var element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

/* One line per item ("2 × Baguette   £5.20"), or a single "nothing yet" line. */
function renderOrderLines(list, items) {
  list.replaceChildren();
  items.forEach(function (item) {
    var li = document.createElement('li');
    li.append(textElement('span', item.qty + ' × ' + item.name), textElement('span', formatPrice(item.qty * item.price)));
    list.append(li);
  });
  if (items.length === 0) list.append(textElement('li', 'Nothing chosen yet.', 'order-empty'));
}

function updateOrderSummary() {
  var order = readOrderItems();
  var lines = document.getElementById('order-lines'), total = document.getElementById('order-total');
  if (lines) renderOrderLines(lines, order.items);
  if (total) total.textContent = formatPrice(order.total);
  return order;
}

/* Each field id has a message element "<id>-error" next to it (see order.html). */
function setFieldError(fieldId, message) {
  var field = document.getElementById(fieldId), error = document.getElementById(fieldId + '-error');
  if (error) error.textContent = message;
  if (field) field.setAttribute('aria-invalid', message ? 'true' : 'false');
}

/* Shows a message next to each wrong field and returns the ids of those fields. */
function validateOrder(form, order) {
  var errors = {};
  var pickup = form.elements['pickup-date'].value;
  if (!form.elements.name.value.trim()) errors.name = 'Please tell us your name.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.elements.email.value.trim())) errors.email = 'Please enter an email like you@example.com.';
  if (!pickup) errors['pickup-date'] = 'Please choose a pickup date.';
  else if (pickup < inputDateFromToday(1) || pickup > inputDateFromToday(14)) errors['pickup-date'] = 'Pick a day between tomorrow and two weeks from today.';
  else if (new Date(pickup + 'T00:00:00').getDay() === 1) errors['pickup-date'] = 'We are closed on Mondays, sorry! Please pick another day.';
  if (!form.elements['pickup-time'].value) errors['pickup-time'] = 'Please choose a pickup time.';
  if (order.invalid) errors.items = 'Quantities must be whole numbers from 0 to 20.';
  else if (order.items.length === 0) errors.items = 'Add at least one item to your order.';
  ORDER_FIELDS.forEach(function (id) { setFieldError(id, errors[id] || ''); });
  return ORDER_FIELDS.filter(function (id) { return errors[id]; });
}

function showConfirmation(form, order) {
  var day = new Date(form.elements['pickup-date'].value + 'T00:00:00');
  var when = day.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long' });
  document.getElementById('confirm-ref').textContent = 'CC-' + String(Date.now()).slice(-6);
  document.getElementById('confirm-name').textContent = form.elements.name.value.trim();
  document.getElementById('confirm-pickup').textContent = when + ' at ' + form.elements['pickup-time'].value;
  document.getElementById('confirm-total').textContent = formatPrice(order.total);
  renderOrderLines(document.getElementById('confirm-items'), order.items);
  document.getElementById('order-layout').hidden = true;
  var confirmation = document.getElementById('order-confirmation');
  confirmation.hidden = false;
  confirmation.focus();
}

/* Global on purpose: the confirmation's "Start a new order" button calls it from onclick. */
function resetOrder() {
  var form = document.getElementById('order-form');
  if (!form) return;
  form.reset();
  ORDER_FIELDS.forEach(function (id) { setFieldError(id, ''); });
  updateOrderSummary();
  document.getElementById('order-confirmation').hidden = true;
  document.getElementById('order-layout').hidden = false;
  form.elements.name.focus();
}

(function initOrderForm() {
  var form = document.getElementById('order-form');
  if (!form) return;
  form.elements['pickup-date'].min = inputDateFromToday(1);
  form.elements['pickup-date'].max = inputDateFromToday(14);
  form.addEventListener('input', function (event) {
    if (event.target.classList.contains('qty-input')) updateOrderSummary();
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault(); // no server: a valid order is confirmed on this page instead
    var order = updateOrderSummary();
    var wrong = validateOrder(form, order);
    if (wrong.length === 0) return showConfirmation(form, order);
    var first = wrong[0] === 'items' ? form.querySelector('.qty-input') : document.getElementById(wrong[0]);
    if (first) first.focus();
  });
  updateOrderSummary();
})();
