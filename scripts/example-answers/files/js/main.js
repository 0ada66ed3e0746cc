/* Crumb & Co. — behaviour shared by every page: the mobile navigation toggle, the
   footer year and the "open now" badge. A classic script loaded with defer, so the
   document is parsed before it runs. Every lookup is guarded because a page may
   leave a part out. */

'use strict';

/* Global on purpose: the header button calls it from onclick="toggleNav()". */
function toggleNav() {
  var toggle = document.getElementById('nav-toggle');
  var nav = document.getElementById('site-nav');
  if (!toggle || !nav) return;
  var open = !nav.classList.contains('is-open');
  nav.classList.toggle('is-open', open);
  toggle.setAttribute('aria-expanded', String(open));
}

function closeNav() {
  var toggle = document.getElementById('nav-toggle');
  var nav = document.getElementById('site-nav');
  if (!toggle || !nav || !nav.classList.contains('is-open')) return;
  nav.classList.remove('is-open');
  toggle.setAttribute('aria-expanded', 'false');
}

/* Opening hours by day of the week (0 = Sunday), as minutes after midnight.
   Kept in step with the hours listed in the footer. */
function openingHours(day) {
  var hours = [
    [9 * 60, 13 * 60],
    null,
    [7 * 60 + 30, 16 * 60],
    [7 * 60 + 30, 16 * 60],
    [7 * 60 + 30, 16 * 60],
    [7 * 60 + 30, 16 * 60],
    [8 * 60, 15 * 60]
  ];
  return hours[day];
}

function formatTime(minutes) {
  var h = Math.floor(minutes / 60);
  var m = minutes % 60;
  return h + ':' + (m < 10 ? '0' : '') + m;
}

function updateOpenStatus() {
  var status = document.getElementById('open-status');
  if (!status) return;
  var days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  var now = new Date();
  var today = openingHours(now.getDay());
  var minutes = now.getHours() * 60 + now.getMinutes();

  if (today && minutes >= today[0] && minutes < today[1]) {
    status.textContent = 'Open now until ' + formatTime(today[1]);
    status.className = 'open-status is-open';
    return;
  }
  // Find the next opening: later today, or the first open day after today.
  for (var ahead = 0; ahead < 8; ahead++) {
    var day = (now.getDay() + ahead) % 7;
    var hours = openingHours(day);
    if (!hours || (ahead === 0 && minutes >= hours[0])) continue;
    var when = ahead === 0 ? 'today' : ahead === 1 ? 'tomorrow' : days[day];
    status.textContent = 'Closed now, opens ' + when + ' at ' + formatTime(hours[0]);
    status.className = 'open-status is-closed';
    return;
  }
}

document.documentElement.classList.add('has-js');

(function initShared() {
  var year = document.getElementById('year');
  if (year) year.textContent = String(new Date().getFullYear());
  updateOpenStatus();

  var nav = document.getElementById('site-nav');
  if (nav) {
    // Following a link on a phone should not leave the menu covering the page.
    nav.addEventListener('click', function (event) {
      if (event.target.closest('a')) closeNav();
    });
  }
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    var toggle = document.getElementById('nav-toggle');
    var wasOpen = nav && nav.classList.contains('is-open');
    closeNav();
    if (wasOpen && toggle) toggle.focus();
  });
})();
