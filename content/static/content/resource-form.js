// The resource form: the 年级 list offers only the grades of the chosen 学段. Each grade
// option names its 学段 (data-stage, content/forms.py GradeSelect); a grade of another
// 学段 is cleared. Without this script every grade is offered and the server refuses a
// grade outside the 学段 with a message.
(function () {
  "use strict";

  function filterGrades(form) {
    var grade = form.querySelector("select[name='grade']");
    var stages = form.querySelectorAll("input[type='radio'][name='stage']");
    if (!grade || !stages.length) {
      return;
    }
    var checked = form.querySelector("input[type='radio'][name='stage']:checked");
    var stage = checked ? checked.value : "";
    Array.prototype.forEach.call(grade.options, function (option) {
      var of = option.getAttribute("data-stage");
      var offered = !of || !stage || of === stage;
      option.hidden = !offered;
      option.disabled = !offered;
    });
    var chosen = grade.options[grade.selectedIndex];
    if (chosen && chosen.disabled) {
      grade.value = "";
      grade.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function start() {
    var grade = document.querySelector("select[name='grade']");
    var form = grade && grade.form;
    if (!form) {
      return;
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "stage") {
        filterGrades(form);
      }
    });
    filterGrades(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
