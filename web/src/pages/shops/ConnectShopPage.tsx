// Scaffold only: replaced by the page's implementation in this session.
export default function ConnectShopPage() {
  return null;
}
