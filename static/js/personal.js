// 收藏 and 关注 without leaving the page: the forms post as they do without JavaScript, and
// the answer (JSON, personal.views) turns the button over. On any failure the form is sent
// the ordinary way.
document.querySelectorAll("form[data-personal-toggle]").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // form.action would be the input named "action", not the address.
    const address = form.getAttribute("action");
    const action = form.querySelector("input[name=action]");
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const response = await fetch(address, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(response.status);
      const state = await response.json();
      const on = Boolean(state.saved ?? state.following);
      action.value = on ? action.dataset.onValue : action.dataset.offValue;
      button.textContent = on ? form.dataset.on : form.dataset.off;
      button.setAttribute("aria-pressed", String(on));
      button.classList.toggle("button--secondary", on || address.includes("follow"));
    } catch {
      form.submit();
    } finally {
      button.disabled = false;
    }
  });
});
