// The recording page's player: which rendition to start with, and the 清晰度 switch.
// Without this script the browser plays the first source it can, the low one (360p), which
// suits a phone on 4G; with it a wide screen starts at 720p. Switching keeps the position.
(function () {
  "use strict";

  function wideScreen() {
    var connection = navigator.connection || {};
    if (connection.saveData) return false;
    return window.matchMedia("(min-width: 768px)").matches;
  }

  function setup(video) {
    var quality = video.parentNode.querySelector("[data-video-quality]");
    if (!quality) return;
    var options = Array.prototype.slice.call(quality.querySelectorAll("button[data-src]"));
    if (options.length < 2) return;

    function mark(chosen) {
      options.forEach(function (option) {
        option.setAttribute("aria-pressed", option === chosen ? "true" : "false");
      });
    }

    function choose(option, keepPosition) {
      var position = video.currentTime;
      var playing = !video.paused && !video.ended;
      mark(option);
      if (video.currentSrc && video.currentSrc.indexOf(option.dataset.src) !== -1) return;
      video.src = option.dataset.src;
      if (keepPosition && position > 0) {
        video.addEventListener("loadedmetadata", function restore() {
          video.removeEventListener("loadedmetadata", restore);
          video.currentTime = position;
          if (playing) video.play().catch(function () {});
        });
      }
      video.load();
    }

    options.forEach(function (option) {
      option.addEventListener("click", function () { choose(option, true); });
    });
    // Buttons come highest first; the last is the low rendition the markup starts with.
    if (wideScreen()) choose(options[0], false);
    quality.hidden = false;
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("video[data-video]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
