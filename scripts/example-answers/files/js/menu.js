/* Crumb & Co. — menu page: the category filter. Each .filter-btn carries
   data-filter="all" or a category id; each section.menu-category carries the same
   id and data-category. A link such as menu.html#pastries opens the menu already
   filtered to that category. Classic script, loaded with defer after js/main.js. */

'use strict';

function filterMenu(category) {
  var sections = document.querySelectorAll('.menu-category');
  var buttons = document.querySelectorAll('.filter-btn');
  var count = document.getElementById('menu-count');
  var known = Array.prototype.some.call(sections, function (section) {
    return section.dataset.category === category;
  });
  if (!known) category = 'all';

  var shown = 0;
  sections.forEach(function (section) {
    var visible = category === 'all' || section.dataset.category === category;
    section.hidden = !visible;
    if (visible) shown += section.querySelectorAll('.menu-item').length;
  });
  var label = category;
  buttons.forEach(function (button) {
    var pressed = button.dataset.filter === category;
    button.setAttribute('aria-pressed', String(pressed));
    if (pressed) label = button.textContent.trim().toLowerCase();
  });

  if (count) {
    count.textContent = category === 'all' ? 'Showing all ' + shown + ' items.' : 'Showing ' + shown + ' ' + label + '.';
  }
  return category;
}

function categoryFromHash() {
  return window.location.hash ? decodeURIComponent(window.location.hash.slice(1)) : 'all';
}

(function initMenuFilter() {
  var filter = document.querySelector('.menu-filter');
  if (!filter) return;

  filter.addEventListener('click', function (event) {
    var button = event.target.closest('.filter-btn');
    if (!button) return;
    var chosen = filterMenu(button.dataset.filter);
    // Keep the address shareable without making the page jump to the section.
    var url = chosen === 'all' ? window.location.pathname + window.location.search : '#' + chosen;
    window.history.replaceState(null, '', url);
  });

  window.addEventListener('hashchange', function () {
    filterMenu(categoryFromHash());
  });

  filterMenu(categoryFromHash());
})();
