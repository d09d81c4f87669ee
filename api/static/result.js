// The result page's Print button (a script file: the page's policy forbids inline scripts).
(function () {
  var button = document.getElementById("print");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
