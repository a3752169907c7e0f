export default function Home() {
  return <main>Virtual Office</main>;
}
