// The OpenAPI page of the workspace: Swagger UI (vendored, see LICENSE.txt) over /openapi.json.
// "Try it out" requests carry the X-Planner-Client header that API posts need.
"use strict";
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: (request) => {
      request.headers["X-Planner-Client"] = "swagger-ui";
      return request;
    },
  });
});
