// Copy button on the report confirmation: copies the tracking code's digits.
// Without JavaScript the button stays hidden; the code can be written down or printed.
(function () {
  var button = document.getElementById('copy-code');
  var code = document.getElementById('tracking-code');
  var status = document.getElementById('copy-status');
  if (!button || !code || !status) return;
  button.hidden = false;
  button.addEventListener('click', function () {
    var digits = code.textContent.replace(/\s+/g, ' ').trim();
    var selectIt = function () {
      var range = document.createRange();
      range.selectNodeContents(code);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = button.getAttribute('data-copy-failed');
    };
    if (!navigator.clipboard || !navigator.clipboard.writeText) return selectIt();
    navigator.clipboard.writeText(digits).then(function () {
      status.textContent = button.getAttribute('data-copied');
    }, selectIt);
  });
})();
