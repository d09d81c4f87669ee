// Batch upload with a progress bar: files go one at a time to /evaluations/batch.
(function () {
  var form = document.getElementById("batch-form");
  if (!form || !window.fetch) { return; }
  form.addEventListener("submit", function (event) {
    var input = document.getElementById("proposal_files");
    var files = Array.prototype.slice.call(input.files);
    if (!files.length) { return; }
    event.preventDefault();
    var bar = document.getElementById("batch-progress");
    var list = document.getElementById("batch-results");
    var token = form.querySelector("input[name=csrf_token]").value;
    var round = form.querySelector("select[name=round]");
    var stored = [], refused = [];
    bar.hidden = false; bar.max = files.length; bar.value = 0;
    list.textContent = "";
    var chain = Promise.resolve();
    files.forEach(function (file) {
      chain = chain.then(function () {
        var body = new FormData();
        body.append("csrf_token", token);
        body.append("proposal_files", file);
        if (round && round.value) { body.append("round", round.value); }
        return fetch(form.action, {method: "POST", body: body, credentials: "same-origin",
                                   headers: {"Accept": "application/json"}})
          .then(function (r) { return r.json(); })
          .then(function (data) {
            var why = (data.error && data.error.detail) || "upload failed";
            (data.results ? stored : refused).push(file.name);
            var words = {"new": "new", "changed": "changed: version ", "unchanged": "already screened, unchanged"};
            (data.results || [{name: file.name, error: file.name + ": not stored: " + why}]).forEach(function (row) {
              var li = document.createElement("li");
              if (row.id) {
                var a = document.createElement("a");
                a.href = "/evaluations/" + row.id;
                a.textContent = row.name + ": " + row.verdict.replace(/_/g, " ") + " (" +
                  words[row.status] + (row.status === "changed" ? row.version : "") + ")";
                li.appendChild(a);
              } else {
                li.textContent = row.error;  // it names its file
              }
              list.appendChild(li);
            });
          })
          .catch(function () {
            refused.push(file.name);
            var li = document.createElement("li");
            li.textContent = file.name + ": upload failed";
            list.appendChild(li);
          })
          .then(function () { bar.value += 1; });
      });
    });
    chain.then(function () {
      var done = document.createElement("li");
      done.id = "batch-summary";
      done.textContent = (stored.length ? "Stored: " + stored.join(", ") + ". " : "Nothing was stored. ") +
        (refused.length ? "Not stored (each refused whole): " + refused.join(", ") + ". " : "");
      if (stored.length) {
        var a = document.createElement("a");
        a.href = window.location.pathname + window.location.search;
        a.textContent = "Refresh the round";
        done.appendChild(a);
      }
      list.appendChild(done);
    });
  });
})();
