export function App() {
  return (
    <main className="app">
      <header className="app-header">
        <h1>Hoist</h1>
        <p className="tagline">Your files, straight to your storage.</p>
      </header>
    </main>
  );
}
