import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { PageLoader } from './components/PageLoader';
import { AuthLayout, GuestOnly } from './layouts/AuthLayout';
import { AppLayout, RequireAuth } from './layouts/AppLayout';

// One chunk per page: the login screen does not download the settings page.
const LoginPage = lazy(() => import('./pages/LoginPage'));
const RegisterPage = lazy(() => import('./pages/RegisterPage'));
const ForgotPasswordPage = lazy(() => import('./pages/ForgotPasswordPage'));
const ResetPasswordPage = lazy(() => import('./pages/ResetPasswordPage'));
const VerifyEmailPage = lazy(() => import('./pages/VerifyEmailPage'));
const DashboardPage = lazy(() => import('./pages/DashboardPage'));
const SettingsPage = lazy(() => import('./pages/SettingsPage'));
const ShopsPage = lazy(() => import('./pages/shops/ShopsPage'));
const ConnectShopPage = lazy(() => import('./pages/shops/ConnectShopPage'));
const ShopLayout = lazy(() => import('./pages/shops/ShopLayout'));
const ShopOverviewPage = lazy(() => import('./pages/shops/ShopOverviewPage'));
const ShopSettingsPage = lazy(() => import('./pages/shops/ShopSettingsPage'));
const ProductsPage = lazy(() => import('./pages/products/ProductsPage'));
const ProductEditorPage = lazy(() => import('./pages/products/ProductEditorPage'));
const SyncPage = lazy(() => import('./pages/sync/SyncPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

export function AppRoutes() {
  return (
    <Suspense fallback={<PageLoader />}>
      <Routes>
        <Route element={<AuthLayout />}>
          <Route element={<GuestOnly />}>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/register" element={<RegisterPage />} />
            <Route path="/forgot-password" element={<ForgotPasswordPage />} />
          </Route>
          <Route path="/reset-password" element={<ResetPasswordPage />} />
          <Route path="/verify-email" element={<VerifyEmailPage />} />
        </Route>
        <Route element={<RequireAuth />}>
          <Route element={<AppLayout />}>
            <Route index element={<DashboardPage />} />
            <Route path="/settings" element={<SettingsPage />} />
            <Route path="/shops" element={<ShopsPage />} />
            <Route path="/shops/new" element={<ConnectShopPage />} />
            {/* Every page of one shop shares its header and tabs (ShopLayout). */}
            <Route path="/shops/:shopId" element={<ShopLayout />}>
              <Route index element={<ShopOverviewPage />} />
              <Route path="products" element={<ProductsPage />} />
              <Route path="products/:productId" element={<ProductEditorPage />} />
              <Route path="sync" element={<SyncPage />} />
              <Route path="settings" element={<ShopSettingsPage />} />
            </Route>
          </Route>
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Suspense>
  );
}
