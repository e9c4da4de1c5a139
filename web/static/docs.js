// Starts Swagger UI on /docs (web/docs.py) without an inline script.
window.addEventListener("load", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // "Try it out" is a script, not a form: say so, or a change without a JSON body is
    // refused (web/cross_site.py).
    requestInterceptor: (request) => {
      request.headers["X-Requested-With"] = "swagger-ui";
      return request;
    },
  });
});
