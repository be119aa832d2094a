import { Outlet } from 'react-router';

// Scaffold only: replaced by the shop header + tabs in this session.
export default function ShopLayout() {
  return <Outlet />;
}
