// Panels marked data-collapse-below start closed on narrow screens, so a phone shows the
// results first; without JavaScript they simply stay open.
document.querySelectorAll("details[data-collapse-below]").forEach((panel) => {
  const query = `(max-width: ${panel.dataset.collapseBelow})`;
  if (window.matchMedia(query).matches) panel.removeAttribute("open");
});

// Search boxes marked data-suggest offer matching titles as one types (Chinese or pinyin:
// jingpinke, jpk). The list is a plain set of links: Tab and arrow keys move through it, so it
// is marked up as a list of links, not as a listbox (whose options may not hold links).
document.querySelectorAll("input[data-suggest]").forEach((input, n) => {
  const list = document.createElement("ul");
  list.id = `search-suggestions-${n}`;
  list.className = "suggestions";
  list.hidden = true;
  list.setAttribute("aria-label", "搜索建议");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-autocomplete", "list");
  input.form.classList.add("has-suggestions");
  input.form.appendChild(list);
  let timer = null;
  let asked = "";

  const close = () => {
    list.hidden = true;
  };
  const show = (items) => {
    list.replaceChildren(
      ...items.map((item) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.title;
        const kind = document.createElement("span");
        kind.className = "suggestions__type";
        kind.textContent = item.type;
        a.appendChild(kind);
        li.appendChild(a);
        return li;
      }),
    );
    list.hidden = items.length === 0;
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) return close();
    timer = setTimeout(async () => {
      asked = q;
      try {
        const response = await fetch(`${input.dataset.suggest}?q=${encodeURIComponent(q)}`);
        const data = await response.json();
        if (asked === q) show(data.suggestions || []);
      } catch (error) {
        close();
      }
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && !list.hidden) {
      event.preventDefault();
      list.querySelector("a")?.focus();
    } else if (event.key === "Escape") {
      close();
    }
  });
  list.addEventListener("keydown", (event) => {
    const links = [...list.querySelectorAll("a")];
    const i = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && i < links.length - 1) {
      event.preventDefault();
      links[i + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (i > 0 ? links[i - 1] : input).focus();
    } else if (event.key === "Escape") {
      close();
      input.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (!input.form.contains(event.target)) close();
  });
});
