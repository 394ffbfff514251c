// The print button, wired here rather than by an onclick= the Content-Security-Policy forbids.
document.querySelector("[data-print]")?.addEventListener("click", () => window.print());
