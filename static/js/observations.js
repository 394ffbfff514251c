// 课堂观察 on a recording page. The forms work without this script (they post and come back
// to the page); with it, the time field follows the player until the teacher types in it,
// a click on a note's time seeks the video there, and the forms are sent in the background
// so the lesson keeps playing while the panel is redrawn from the server's answer.
(function () {
  "use strict";

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function timestamp(seconds) {
    var whole = Math.max(0, Math.floor(seconds));
    var hours = Math.floor(whole / 3600);
    var minutes = Math.floor((whole % 3600) / 60);
    var rest = whole % 60;
    return (hours ? hours + ":" + pad(minutes) : pad(minutes)) + ":" + pad(rest);
  }

  function player() {
    return document.querySelector("video[data-video]");
  }

  function followPlayer(panel) {
    var video = player();
    var field = panel.querySelector("[data-note-time]");
    if (!video || !field) return;
    // Typed by the teacher (or kept from a refused submission): left alone.
    var typed = field.getAttribute("aria-invalid") === "true";
    field.addEventListener("input", function () { typed = true; });
    function update() {
      if (!typed && document.activeElement !== field) field.value = timestamp(video.currentTime);
    }
    panel.addEventListener("submit", function (event) {
      if (event.target.hasAttribute("data-note-form")) update();
    });
    video.addEventListener("timeupdate", update);
    video.addEventListener("seeked", update);
    panel.addEventListener("focusin", function (event) {
      // Starting to write a note takes the moment the teacher stopped at.
      if (event.target.name === "text") update();
    });
    update();
    return function stop() {
      video.removeEventListener("timeupdate", update);
      video.removeEventListener("seeked", update);
    };
  }

  function seekFrom(panel) {
    panel.addEventListener("click", function (event) {
      var link = event.target.closest("[data-seek]");
      var video = player();
      if (!link || !video) return;
      event.preventDefault();
      video.currentTime = Number(link.getAttribute("data-seek"));
      video.scrollIntoView({ block: "nearest" });
      video.focus();
    });
  }

  function sendInBackground(panel, replace) {
    panel.addEventListener("submit", function (event) {
      var form = event.target.closest("[data-observation-form]");
      if (!form || !window.fetch || !window.FormData) return;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          // 200 and 400 both carry the panel (the latter with the form's messages).
          if (response.status !== 200 && response.status !== 400) throw new Error(response.status);
          return response.text();
        })
        .then(replace)
        .catch(function () {
          // Let the browser post the form itself: the answer then says what went wrong.
          form.submit();
        });
    });
  }

  function setup(panel) {
    var stop = followPlayer(panel);
    seekFrom(panel);
    sendInBackground(panel, function (html) {
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var fresh = holder.querySelector("[data-observations]");
      if (!fresh) return;
      if (stop) stop();
      panel.replaceWith(fresh);
      setup(fresh);
      var alert = fresh.querySelector("[role=alert]");
      if (alert) alert.scrollIntoView({ block: "nearest" });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-observations]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
