// Hovering a statement's row or any of its highlighted parts outlines all of its parts.
(function () {
  function mark(statement, on) {
    document.querySelectorAll('.hl[data-statement="' + statement + '"]').forEach(function (el) {
      el.classList.toggle("active", on);
    });
  }
  document.querySelectorAll("[data-statement]").forEach(function (el) {
    var statement = el.getAttribute("data-statement");
    el.addEventListener("mouseenter", function () { mark(statement, true); });
    el.addEventListener("mouseleave", function () { mark(statement, false); });
  });
})();
