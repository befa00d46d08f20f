// Entry point: picks the page from the URL and applies the theme.
import { render } from "preact";
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { initTheme } from "./lib/theme.ts";
import { parseRoute, type Route } from "./lib/route.ts";
import { ClassPage } from "./pages/ClassPage.tsx";
import { EmbedPage } from "./pages/EmbedPage.tsx";
import { HomePage } from "./pages/HomePage.tsx";
import { LazyExam } from "./pages/LazyExam.tsx";
import { SessionPage } from "./pages/SessionPage.tsx";
import { SnapshotPage } from "./pages/SnapshotPage.tsx";
import "./styles.css";

function App() {
  const [route, setRoute] = useState<Route>(() => parseRoute(location));
  switch (route.page) {
    case "home":
      return <HomePage fresh={route.fresh} onCreated={(id, key) => setRoute({ page: "session", id, key })} onResume={(id) => setRoute({ page: "session", id })} />;
    case "session":
      return <SessionPage key={route.id} id={route.id} urlKey={route.key} onExam={() => setRoute({ page: "exam", id: route.id })} />;
    case "exam":
      return <LazyExam key={route.id} id={route.id} urlKey={route.key} />;
    case "snapshot":
      return <SnapshotPage snapshotId={route.snapshotId} />;
    case "embed":
      return <EmbedPage params={route.params} />;
    case "class":
      return <ClassPage classId={route.classId} />;
    case "board":
      return <LazyBoard classId={route.classId} urlKey={route.key} />;
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

type BoardProps = { classId: string; urlKey?: string };

/** The teacher's board, fetched only when a board link is opened (it is not part of the first load). */
function LazyBoard(props: BoardProps) {
  const [Board, setBoard] = useState<ComponentType<BoardProps> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    import("./pages/BoardPage.tsx").then(
      (module) => setBoard(() => module.BoardPage),
      (e) => setError((e as Error).message),
    );
  }, []);
  if (error) return <p class="starting" role="alert">Could not load the board: {error}</p>;
  if (!Board) return <p class="starting" aria-busy="true">Loading the board…</p>;
  return <Board {...props} />;
}

const route = parseRoute(location);
initTheme(route.page === "embed" ? route.params.get("theme") : null);
if (route.page === "embed") document.documentElement.classList.add("embedded");
render(<App />, document.getElementById("app")!);
