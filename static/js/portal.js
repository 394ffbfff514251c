// Panels marked data-collapse-below start closed on narrow screens, so a phone shows the
// results first; without JavaScript they simply stay open.
document.querySelectorAll("details[data-collapse-below]").forEach((panel) => {
  const query = `(max-width: ${panel.dataset.collapseBelow})`;
  if (window.matchMedia(query).matches) panel.removeAttribute("open");
});
