// Enhancements every workspace page shares. The pages work without this file.

// GOV.UK pattern: when a form comes back with errors, move focus to the summary so it is read first.
const summary = document.querySelector('[data-error-summary]');
if (summary instanceof HTMLElement) {
  summary.focus();
}

// Following a link in the summary puts the cursor in the field (browsers scroll to it, but do not focus it).
document.addEventListener('click', (event) => {
  const target = event.target;
  if (!(target instanceof HTMLAnchorElement) || !target.closest('[data-error-summary]')) return;
  const id = decodeURIComponent(target.hash.slice(1));
  const field = id ? document.getElementById(id) : null;
  if (field instanceof HTMLElement) {
    event.preventDefault();
    field.scrollIntoView({ block: 'center' });
    field.focus();
  }
});

// A module (loaded with type="module"), not a classic script: its names are its own.
export {};
