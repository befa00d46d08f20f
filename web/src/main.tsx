// Entry point: picks the page from the URL and applies the theme.
import { render } from "preact";
import { useState } from "preact/hooks";
import { initTheme } from "./lib/theme.ts";
import { parseRoute, type Route } from "./lib/route.ts";
import { EmbedPage } from "./pages/EmbedPage.tsx";
import { HomePage } from "./pages/HomePage.tsx";
import { SessionPage } from "./pages/SessionPage.tsx";
import { SnapshotPage } from "./pages/SnapshotPage.tsx";
import "./styles.css";

function App() {
  const [route, setRoute] = useState<Route>(() => parseRoute(location));
  switch (route.page) {
    case "home":
      return <HomePage fresh={route.fresh} onCreated={(id, key) => setRoute({ page: "session", id, key })} onResume={(id) => setRoute({ page: "session", id })} />;
    case "session":
      return <SessionPage key={route.id} id={route.id} urlKey={route.key} />;
    case "snapshot":
      return <SnapshotPage snapshotId={route.snapshotId} />;
    case "embed":
      return <EmbedPage params={route.params} />;
    case "not-found":
      return (
        <main class="starting">
          <h1>Not found</h1>
          <p>
            <a href="/">Start a new playground</a>
          </p>
        </main>
      );
  }
}

const route = parseRoute(location);
initTheme(route.page === "embed" ? route.params.get("theme") : null);
if (route.page === "embed") document.documentElement.classList.add("embedded");
render(<App />, document.getElementById("app")!);
