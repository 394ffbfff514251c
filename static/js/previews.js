// Previews of attachments: the strip of page images scrolls by itself (swipe, scroll bar,
// arrow keys when focused); here it gains 上一页/下一页 buttons and says which page is shown.
document.querySelectorAll("[data-doc-preview]").forEach((figure) => {
  const strip = figure.querySelector(".doc-preview__pages");
  const pages = Array.from(strip.querySelectorAll(".doc-preview__page"));
  const controls = figure.querySelector(".doc-preview__controls");
  const position = figure.querySelector(".doc-preview__position");
  const [previous, next] = controls.querySelectorAll("button");
  if (pages.length < 2) return;
  controls.hidden = false;
  let current = 0;

  const show = (index) => {
    current = Math.max(0, Math.min(pages.length - 1, index));
    previous.disabled = current === 0;
    next.disabled = current === pages.length - 1;
    position.textContent = `第 ${current + 1} 页 / 共 ${pages.length} 页`;
  };
  // While the buttons or keys scroll the strip smoothly, the pages it passes on the way are
  // not announced: the counter and buttons would flicker back before they arrive.
  let heading = null;
  const go = (index) => {
    show(index);
    heading = current;
    strip.scrollTo({ left: current * strip.clientWidth });
  };

  previous.addEventListener("click", () => go(current - 1));
  next.addEventListener("click", () => go(current + 1));
  strip.addEventListener("keydown", (event) => {
    if (event.key === "ArrowLeft" || event.key === "PageUp") go(current - 1);
    else if (event.key === "ArrowRight" || event.key === "PageDown") go(current + 1);
    else return;
    event.preventDefault();
  });
  // Swiping or scrolling moves the strip itself: the page nearest its left edge is shown.
  let pending = null;
  strip.addEventListener("scroll", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      const nearest = Math.round(strip.scrollLeft / strip.clientWidth);
      if (heading !== null && nearest !== heading) return;
      heading = null;
      show(nearest);
    });
  });
  // A swipe that interrupts the smooth scroll settles somewhere else: show where it ends.
  strip.addEventListener("scrollend", () => {
    heading = null;
    show(Math.round(strip.scrollLeft / strip.clientWidth));
  });
  show(0);
});
