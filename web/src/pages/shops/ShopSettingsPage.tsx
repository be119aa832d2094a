// Scaffold only: replaced by the page's implementation in this session.
export default function ShopSettingsPage() {
  return null;
}
