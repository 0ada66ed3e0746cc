const LINES = [
  [0, 1, 2], [3, 4, 5], [6, 7, 8],
  [0, 3, 6], [1, 4, 7], [2, 5, 8],
  [0, 4, 8], [2, 4, 6],
]

function cells() {
  return Array.from({ length: 9 }, (_, i) => document.getElementById(`cell-${i}`))
}

function winner(board) {
  for (const [a, b, c] of LINES) if (board[a] && board[a] === board[b] && board[a] === board[c]) return board[a]
  return ''
}

function startGame() {
  const status = document.getElementById('status')
  const board = Array(9).fill('')
  let player = 'X'
  let over = false
  const show = () => {
    cells().forEach((cell, i) => {
      cell.textContent = board[i]
    })
  }
  const play = (i) => {
    if (over || board[i]) return
    board[i] = player
    show()
    const won = winner(board)
    if (won) {
      status.textContent = `${won} wins`
      over = true
    } else if (board.every(Boolean)) {
      status.textContent = 'Draw'
      over = true
    } else {
      player = player === 'X' ? 'O' : 'X'
      status.textContent = `${player} to play`
    }
  }
  cells().forEach((cell, i) => cell.addEventListener('click', () => play(i)))
  document.getElementById('reset').addEventListener('click', () => {
    board.fill('')
    player = 'X'
    over = false
    status.textContent = 'X to play'
    show()
  })
}

document.addEventListener('DOMContentLoaded', startGame)
