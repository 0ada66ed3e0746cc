const QUESTIONS = [
  { text: 'What is the capital of France?', answers: ['Paris', 'Lyon', 'Marseille'], right: 'Paris' },
  { text: 'What is the capital of Japan?', answers: ['Kyoto', 'Tokyo', 'Osaka'], right: 'Tokyo' },
  { text: 'What is the capital of Canada?', answers: ['Toronto', 'Vancouver', 'Ottawa'], right: 'Ottawa' },
]

function showQuestion(state) {
  const question = QUESTIONS[state.index]
  document.getElementById('progress').textContent = `Question ${state.index + 1} of ${QUESTIONS.length}`
  document.getElementById('question').textContent = question.text
  document.getElementById('quiz-error').textContent = ''
  const answers = document.getElementById('answers')
  answers.textContent = ''
  for (const city of question.answers) {
    const label = document.createElement('label')
    const input = document.createElement('input')
    input.type = 'radio'
    input.name = 'answer'
    input.value = city
    label.append(input, ` ${city}`)
    answers.append(label)
  }
}

function next(state) {
  const chosen = document.querySelector('#answers input:checked')
  if (!chosen) {
    document.getElementById('quiz-error').textContent = 'Pick an answer first'
    return
  }
  if (chosen.value === QUESTIONS[state.index].right) state.score++
  state.index++
  if (state.index < QUESTIONS.length) return showQuestion(state)
  document.getElementById('quiz-area').hidden = true
  document.getElementById('result-area').hidden = false
  document.getElementById('result').textContent = `You scored ${state.score} out of ${QUESTIONS.length}`
}

function restart(state) {
  state.index = 0
  state.score = 0
  document.getElementById('result-area').hidden = true
  document.getElementById('quiz-area').hidden = false
  showQuestion(state)
}

function start() {
  const state = { index: 0, score: 0 }
  document.getElementById('next').addEventListener('click', () => next(state))
  document.getElementById('restart').addEventListener('click', () => restart(state))
  showQuestion(state)
}

document.addEventListener('DOMContentLoaded', start)
