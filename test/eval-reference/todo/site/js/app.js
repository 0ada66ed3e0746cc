const STORE_KEY = 'todos'

function loadTodos() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE_KEY) || '[]')
    return Array.isArray(saved) ? saved : []
  } catch {
    return []
  }
}

function saveTodos(todos) {
  localStorage.setItem(STORE_KEY, JSON.stringify(todos))
}

function render(todos) {
  const list = document.getElementById('todos')
  list.textContent = ''
  todos.forEach((todo, index) => {
    const item = document.createElement('li')
    if (todo.done) item.classList.add('done')
    const box = document.createElement('input')
    box.type = 'checkbox'
    box.checked = todo.done
    box.setAttribute('aria-label', `Done: ${todo.text}`)
    box.addEventListener('change', () => {
      todos[index].done = box.checked
      update(todos)
    })
    const text = document.createElement('span')
    text.textContent = todo.text
    const remove = document.createElement('button')
    remove.type = 'button'
    remove.textContent = 'Delete'
    remove.addEventListener('click', () => {
      todos.splice(index, 1)
      update(todos)
    })
    item.append(box, text, remove)
    list.append(item)
  })
  const left = todos.filter((t) => !t.done).length
  document.getElementById('count').textContent = `${left} ${left === 1 ? 'item' : 'items'} left`
}

function update(todos) {
  saveTodos(todos)
  render(todos)
}

function start() {
  const todos = loadTodos()
  const input = document.getElementById('new-todo')
  document.getElementById('todo-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const text = input.value.trim()
    if (!text) return
    todos.push({ text, done: false })
    input.value = ''
    update(todos)
  })
  render(todos)
}

document.addEventListener('DOMContentLoaded', start)
