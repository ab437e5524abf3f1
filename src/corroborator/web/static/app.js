// corroborator: small progressive enhancements. Every page works without this file.
"use strict";

(function () {
  function showEvidence(button) {
    var panel = document.getElementById("evidence-panel");
    if (!panel) { return; }
    var detail = panel.querySelector(".evidence-detail");
    var hint = panel.querySelector("[data-hint]");
    var fields = ["outlet", "claim", "label", "evidence"];
    fields.forEach(function (name) {
      var value = button.dataset[name] || "";
      if (name === "evidence" && !value) { value = "No evidence sentence recorded."; }
      panel.querySelector('[data-field="' + name + '"]').textContent = value;
    });
    var link = panel.querySelector('[data-field="article"]');
    var articleId = button.dataset.article || "";
    link.hidden = !articleId;
    link.setAttribute("href", articleId ? "/article/" + encodeURIComponent(articleId) : "#");
    document.querySelectorAll("button.cell[aria-pressed]").forEach(function (other) {
      other.removeAttribute("aria-pressed");
    });
    button.setAttribute("aria-pressed", "true");
    detail.hidden = false;
    if (hint) { hint.hidden = true; }
  }

  function init() {
    document.querySelectorAll("button.cell").forEach(function (button) {
      button.addEventListener("click", function () { showEvidence(button); });
    });
    document.querySelectorAll("form.story-filters").forEach(function (form) {
      form.addEventListener("submit", function () {  // keep the URL short: no empty fields
        form.querySelectorAll("input, select").forEach(function (field) {
          if (!field.value) { field.disabled = true; }
        });
      });
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
