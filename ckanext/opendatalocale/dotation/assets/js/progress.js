/* An import's progress: its JSON read every two seconds, the bar and the
   words updated; the page reloaded once the import has ended. */
(function () {
  var box = document.getElementById("dotation-progress");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var words = box.querySelector(".dotation-percent");
  var url = box.getAttribute("data-url");
  function look() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (shown) {
        if (!shown) { return; }
        bar.value = shown.progress;
        words.textContent = shown.progress + " %";
        if (shown.state === "done" || shown.state === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(look, 2000);
        }
      })
      .catch(function () { window.setTimeout(look, 5000); });
  }
  if (box.getAttribute("data-state") === "queued" || box.getAttribute("data-state") === "running") {
    window.setTimeout(look, 1000);
  }
})();
