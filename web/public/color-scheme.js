// Sets the colour scheme before the app renders, so a dark-mode user sees no white flash.
// An external file rather than an inline script: the server's CSP allows scripts from 'self' only.
(function () {
  try {
    var stored = window.localStorage.getItem('mantine-color-scheme-value');
    var scheme = stored === 'light' || stored === 'dark' ? stored : null;
    if (!scheme) {
      scheme = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    }
    document.documentElement.setAttribute('data-mantine-color-scheme', scheme);
  } catch (e) {
    /* storage unavailable: Mantine falls back to the default */
  }
})();
