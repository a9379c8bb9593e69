// Starts GraphiQL on the page graphql_schema/templates/graphql_schema/graphiql.html.
// A file of its own, not an inline script, so that a Content-Security-Policy of
// script-src 'self' lets it run. Adapted from strawberry-graphql's graphiql.html (MIT).
(function () {
  "use strict";

  var container = document.getElementById("graphiql");
  // The endpoint and the CSRF token come from the page (data attributes), so the
  // token works whatever CSRF_COOKIE_NAME is and with CSRF_COOKIE_HTTPONLY.
  var fetchURL = container.dataset.endpoint || window.location.href.split("?")[0];
  var csrfToken = container.dataset.csrfToken;

  var EXAMPLE_QUERY =
    "# Welcome to GraphiQL\n" +
    "#\n" +
    "# Type a query on this side; Ctrl-Enter runs it, Ctrl-Space completes.\n" +
    "# The Docs panel lists every type and field of the schema.\n" +
    "#\n" +
    "# {\n" +
    "#   members(first: 5) { edges { node { name headline url } } }\n" +
    "# }\n";

  // Share a query by its URL (?q=…&variables=…).
  var parameters = {};
  window.location.search
    .slice(1)
    .split("&")
    .forEach(function (entry) {
      var eq = entry.indexOf("=");
      if (eq >= 0) {
        parameters[decodeURIComponent(entry.slice(0, eq))] = decodeURIComponent(
          entry.slice(eq + 1),
        );
      }
    });

  function updateURL(data) {
    Object.assign(parameters, data);
    var search =
      "?" +
      Object.keys(parameters)
        .filter(function (key) {
          return Boolean(parameters[key]);
        })
        .map(function (key) {
          return encodeURIComponent(key) + "=" + encodeURIComponent(parameters[key]);
        })
        .join("&");
    history.replaceState(null, "", search);
  }

  var headers = {};
  if (csrfToken) {
    headers["X-CSRFToken"] = csrfToken;
  }
  var fetcher = GraphiQL.createFetcher({ url: fetchURL, headers: headers });

  function GraphiQLWithExplorer() {
    var query = React.useState(parameters.q || EXAMPLE_QUERY);
    var variables = React.useState(parameters.variables);
    var editorHeaders = React.useState(parameters.headers);
    var explorerPlugin = GraphiQLPluginExplorer.explorerPlugin();

    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      plugins: [explorerPlugin],
      query: query[0],
      variables: variables[0],
      headers: editorHeaders[0],
      onEditQuery: function (value) {
        query[1](value);
        updateURL({ q: value });
      },
      onEditVariables: function (value) {
        variables[1](value);
        updateURL({ variables: value });
      },
      onEditHeaders: function (value) {
        editorHeaders[1](value);
      },
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    });
  }

  ReactDOM.createRoot(container).render(React.createElement(GraphiQLWithExplorer));
})();
