import { zodResolver } from '@hookform/resolvers/zod';
import { Badge, Button, Group, Modal, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { Link, useNavigate, useParams } from 'react-router';
import { z } from 'zod';
import { errorMessage } from '../../api/problem';
import {
  shopState,
  useDeliveryConfig,
  useDisconnectShop,
  useRotateFeedToken,
  useSaveDeliveryConfig,
  useShop,
  useUpdateShop,
  useVerifyShop,
  type OpenAiConfig,
  type Shop,
} from '../../api/shops';
import { ErrorState } from '../../components/ErrorState';
import { FormAlert } from '../../components/FormAlert';
import { PageLoader } from '../../components/PageLoader';
import { CopyField } from '../../components/shops/CopyField';
import { DeliveryFields } from '../../components/shops/DeliveryFields';
import { SellerFields } from '../../components/shops/SellerFields';
import { ShopStatusBadge } from '../../components/shops/ShopStatusBadge';
import {
  DELIVERY_ALIASES,
  DELIVERY_FIELDS,
  deliveryInput,
  deliverySchema,
  deliveryValues,
  SELLER_ALIASES,
  SELLER_FIELDS,
  sellerPatch,
  sellerSchema,
  sellerValues,
  storedSecrets,
  type DeliveryValues,
  type SellerValues,
} from '../../components/shops/shopForms';
import { applyApiError } from '../../lib/formErrors';
import { formatDateTime } from '../../lib/format';
import { Section } from '../settings/Section';

/** `/shops/:shopId/settings`. */
export default function ShopSettingsPage() {
  const { shopId = '' } = useParams();
  const shop = useShop(shopId);
  if (shop.isPending) return <PageLoader label="Loading settings" />;
  if (shop.isError) return <ErrorState error={shop.error} title="Could not load the shop" onRetry={() => shop.refetch()} />;
  return (
    <Stack gap="lg" maw={860}>
      <GeneralSection shop={shop.data} />
      <SellerSection shop={shop.data} />
      <DeliverySection shopId={shopId} />
      <ConnectionSection shop={shop.data} />
      <DisconnectSection shop={shop.data} />
    </Stack>
  );
}

// ---------------------------------------------------------------- shop name, automatic sync

const generalSchema = z.object({
  shopName: z.string().trim().min(1, 'Enter a name').max(200, 'Use at most 200 characters'),
  syncEnabled: z.boolean(),
});
type GeneralValues = z.infer<typeof generalSchema>;

function GeneralSection({ shop }: { shop: Shop }) {
  const update = useUpdateShop(shop.id);
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const defaults = { shopName: shop.shopName, syncEnabled: shop.syncEnabled };
  const {
    register,
    control,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isDirty },
  } = useForm<GeneralValues>({ resolver: zodResolver(generalSchema), defaultValues: defaults });
  useEffect(() => reset({ shopName: shop.shopName, syncEnabled: shop.syncEnabled }), [shop.shopName, shop.syncEnabled, reset]);

  const onSubmit = handleSubmit((v) => {
    setFormMessage(null);
    update.mutate(v, {
      onSuccess: () => notifications.show({ color: 'teal', message: 'Shop saved' }),
      onError: (e) => setFormMessage(applyApiError(e, setError, ['shopName', 'syncEnabled'])),
    });
  });

  return (
    <Section id="shop-general-title" title="Shop">
      <form onSubmit={onSubmit} noValidate aria-labelledby="shop-general-title">
        <Stack gap="md">
          <FormAlert message={formMessage} />
          <TextInput label="Shop name" error={errors.shopName?.message} {...register('shopName')} />
          <Controller
            control={control}
            name="syncEnabled"
            render={({ field }) => (
              <Switch
                label="Sync automatically"
                description="Every 15 minutes, and at once when the store reports a change."
                checked={field.value}
                onChange={(e) => field.onChange(e.currentTarget.checked)}
              />
            )}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={update.isPending} disabled={!isDirty}>
              Save shop
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

// ---------------------------------------------------------------- seller and feed defaults

function SellerSection({ shop }: { shop: Shop }) {
  const update = useUpdateShop(shop.id);
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const {
    register,
    control,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isDirty },
  } = useForm<SellerValues>({ resolver: zodResolver(sellerSchema), defaultValues: sellerValues(shop) });

  const onSubmit = handleSubmit((v) => {
    setFormMessage(null);
    update.mutate(sellerPatch(v, shop.feed), {
      onSuccess: (s) => {
        reset(sellerValues(s));
        notifications.show({ color: 'teal', message: 'Seller settings saved' });
      },
      onError: (e) => setFormMessage(applyApiError(e, setError, SELLER_FIELDS, SELLER_ALIASES)),
    });
  });

  return (
    <Section
      id="seller-title"
      title="Seller and feed"
      description="Seller information and policies shown with your products in ChatGPT, and the defaults of every product."
    >
      <form onSubmit={onSubmit} noValidate aria-labelledby="seller-title">
        <Stack gap="md">
          <FormAlert message={formMessage} />
          <SellerFields
            control={control}
            register={register}
            errors={errors}
            storeCountryHint={shop.storeSettings?.country}
            extraCountries={shop.feed.targetCountries}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={update.isPending} disabled={!isDirty}>
              Save seller settings
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

// ---------------------------------------------------------------- delivery to OpenAI

function DeliverySection({ shopId }: { shopId: string }) {
  const config = useDeliveryConfig(shopId);
  return (
    <Section
      id="delivery-title"
      title="Delivery to OpenAI"
      description="Where your product feed goes, and when. Secrets are stored encrypted and never shown again."
    >
      {config.isPending && <PageLoader label="Loading delivery settings" />}
      {config.isError && (
        <ErrorState error={config.error} title="Could not load the delivery settings" onRetry={() => config.refetch()} />
      )}
      {config.data && (
        <Stack gap="lg">
          <HostedUrl shopId={shopId} config={config.data} />
          <DeliveryForm shopId={shopId} config={config.data} />
        </Stack>
      )}
    </Section>
  );
}

function HostedUrl({ shopId, config }: { shopId: string; config: OpenAiConfig }) {
  const rotate = useRotateFeedToken(shopId);
  const [opened, modal] = useDisclosure(false);
  const onRotate = () =>
    rotate.mutate(undefined, {
      onSuccess: () => {
        modal.close();
        notifications.show({ color: 'teal', message: 'New hosted feed URL created; the old one no longer works.' });
      },
      onError: (e) => notifications.show({ color: 'red', title: 'Could not rotate the URL', message: errorMessage(e) }),
    });
  return (
    <Stack gap="xs">
      <CopyField
        label="Hosted feed URL"
        value={config.hostedUrl}
        copyLabel="Copy the feed address"
        description="Private: anyone with this URL can download your feed."
      />
      <Group justify="flex-end">
        <Button variant="light" color="orange" size="xs" onClick={modal.open}>
          Rotate URL…
        </Button>
      </Group>
      <Modal opened={opened} onClose={modal.close} title="Rotate the hosted feed URL" centered>
        <Stack>
          <Text size="sm">
            A new secret URL replaces the current one at once. The current URL stops working: update it wherever you
            gave it to OpenAI.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={modal.close}>
              Cancel
            </Button>
            <Button color="orange" loading={rotate.isPending} onClick={onRotate}>
              Rotate URL
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function DeliveryForm({ shopId, config }: { shopId: string; config: OpenAiConfig }) {
  const save = useSaveDeliveryConfig(shopId);
  const stored = storedSecrets(config);
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const {
    register,
    control,
    handleSubmit,
    setError,
    reset,
    watch,
    formState: { errors, isDirty },
  } = useForm<DeliveryValues>({ resolver: zodResolver(deliverySchema(stored)), defaultValues: deliveryValues(config) });
  const method = watch('method');

  const onSubmit = handleSubmit((v) => {
    setFormMessage(null);
    save.mutate(deliveryInput(v), {
      onSuccess: (cfg) => {
        reset(deliveryValues(cfg));
        notifications.show({ color: 'teal', message: 'Delivery settings saved' });
      },
      onError: (e) => setFormMessage(applyApiError(e, setError, DELIVERY_FIELDS, DELIVERY_ALIASES)),
    });
  });

  const last = config.lastPush;
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Delivery settings">
      <Stack gap="md">
        <FormAlert message={formMessage} />
        <DeliveryFields control={control} register={register} errors={errors} method={method} stored={stored} />
        {last && (
          <Text size="sm" c="dimmed">
            Last push {formatDateTime(last.startedAt)}:{' '}
            <Badge size="sm" variant="light" color={last.status === 'succeeded' ? 'teal' : last.status === 'failed' ? 'red' : 'blue'}>
              {last.status}
            </Badge>
            {last.error ? ` — ${last.error}` : ''}
          </Text>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending} disabled={!isDirty}>
            Save delivery settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

// ---------------------------------------------------------------- connection

function ConnectionSection({ shop }: { shop: Shop }) {
  const verify = useVerifyShop(shop.id);
  const onVerify = () =>
    verify.mutate(undefined, {
      onSuccess: (r) =>
        notifications.show(
          r.connected
            ? { color: 'teal', message: 'The store answers and the keys work.' }
            : { color: 'red', title: 'The store refused the keys', message: r.shop.connectionError ?? 'Connect the store again.' },
        ),
      onError: (e) => notifications.show({ color: 'red', title: 'Could not verify the connection', message: errorMessage(e) }),
    });
  return (
    <Section id="connection-title" title="Connection" description="The link between ProductSynch and your WooCommerce store.">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        <Field label="Status">
          <ShopStatusBadge shop={shop} />
        </Field>
        <Field label="API key">{shop.consumerKeyHint ?? '—'}</Field>
        <Field label="Last checked">{shop.lastHealthCheckAt ? formatDateTime(shop.lastHealthCheckAt) : 'Never'}</Field>
        <Field label="Webhooks">{shop.webhooks.length > 0 ? `${shop.webhooks.length} registered` : 'None'}</Field>
      </SimpleGrid>
      {shop.connectionError && (
        <Text size="sm" c="red" role="alert">
          {shop.connectionError}
        </Text>
      )}
      <Group justify="flex-end">
        {shopState(shop) !== 'connected' && (
          <Button component={Link} to={`/shops/new?storeUrl=${encodeURIComponent(shop.storeUrl)}`} variant="light">
            Connect again
          </Button>
        )}
        <Button variant="default" onClick={onVerify} loading={verify.isPending} disabled={shopState(shop) === 'pending'}>
          Verify connection
        </Button>
      </Group>
    </Section>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm" c="dimmed" w={110} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Group>
  );
}

// ---------------------------------------------------------------- disconnect

function DisconnectSection({ shop }: { shop: Shop }) {
  const [opened, modal] = useDisclosure(false);
  const disconnect = useDisconnectShop(shop.id);
  const navigate = useNavigate();
  const onDisconnect = () =>
    disconnect.mutate(undefined, {
      onSuccess: () => {
        notifications.show({ color: 'teal', message: `${shop.shopName} was disconnected.` });
        navigate('/shops', { replace: true });
      },
      onError: (e) => notifications.show({ color: 'red', title: 'Could not disconnect', message: errorMessage(e) }),
    });
  return (
    <Section
      id="disconnect-title"
      title="Disconnect store"
      description="Removes ProductSynch's webhooks from the store, deletes the API keys and this shop's products, feeds and history."
      danger
    >
      <Group justify="flex-end">
        <Button color="red" variant="light" onClick={modal.open}>
          Disconnect store…
        </Button>
      </Group>
      <Modal opened={opened} onClose={modal.close} title={`Disconnect ${shop.shopName}`} centered>
        <Stack>
          <Text size="sm">
            ChatGPT stops receiving updates for this store's products and the hosted feed URL stops working. Your store
            itself is not changed. This cannot be undone.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={modal.close}>
              Cancel
            </Button>
            <Button color="red" loading={disconnect.isPending} onClick={onDisconnect}>
              Disconnect
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Section>
  );
}
