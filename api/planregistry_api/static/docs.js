// Starts Swagger UI on the API documentation page. A file of its own, not an inline
// script, so that the page's Content-Security-Policy allows scripts from 'self' only.
window.addEventListener("load", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // never send the document to an outside validator
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
