// The report form, enhanced (it works without this):
// - files are checked for size, type and count as soon as they are chosen, before any upload;
// - while the form is sent, a bar says the files are on their way;
// - a page brought back by the Back button from the back-forward cache is emptied,
//   so a shared computer does not show the complaint to the next person.
(function () {
  var form = document.getElementById('report-form');
  var input = document.getElementById('evidence');
  var check = document.getElementById('evidence-check');
  var progress = document.getElementById('upload-progress');
  if (!form || !input || !check) return;
  var allowed = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'];
  var maxBytes = Number(check.getAttribute('data-max-bytes'));
  var maxFiles = Number(check.getAttribute('data-max-files'));

  function problemOf(files) {
    if (files.length > maxFiles) return check.getAttribute('data-too-many');
    for (var i = 0; i < files.length; i += 1) {
      var prefix = check.getAttribute('data-file-number').replace('#', String(i + 1)) + ' ';
      if (files[i].size > maxBytes) return prefix + check.getAttribute('data-too-large');
      if (files[i].type && allowed.indexOf(files[i].type) < 0) return prefix + check.getAttribute('data-wrong-type');
    }
    return '';
  }

  function checkFiles() {
    var problem = problemOf(input.files || []);
    check.textContent = problem;
    if (problem) input.setAttribute('aria-invalid', 'true');
    else if (!document.getElementById('evidence-error')) input.removeAttribute('aria-invalid');
    return !problem;
  }

  input.addEventListener('change', checkFiles);
  form.addEventListener('submit', function (event) {
    if (!checkFiles()) {
      event.preventDefault();
      input.focus();
      return;
    }
    if (progress && input.files && input.files.length > 0) progress.hidden = false;
  });
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
      form.reset();
      if (progress) progress.hidden = true;
    }
  });
})();
