import { Group, MultiSelect, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { Controller, type Control, type FieldErrors, type UseFormRegister } from 'react-hook-form';
import { countryOptions, MAX_SELLER_NAME, type SellerValues } from './shopForms';

/**
 * Seller information, policies and feed defaults of a shop (the connect wizard's Configure step
 * and the settings page). The form owning them uses `sellerSchema`.
 */
export function SellerFields({
  control,
  register,
  errors,
  storeCountryHint,
  extraCountries = [],
}: {
  control: Control<SellerValues>;
  register: UseFormRegister<SellerValues>;
  errors: FieldErrors<SellerValues>;
  /** The country WooCommerce reported, shown as the default. */
  storeCountryHint?: string | null;
  extraCountries?: string[];
}) {
  const ctl = control;
  const countries = countryOptions([storeCountryHint, ...extraCountries]);
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <TextInput
          label="Seller name"
          description={`As shown in ChatGPT, up to ${MAX_SELLER_NAME} characters. Blank: the store's name.`}
          maxLength={MAX_SELLER_NAME + 20}
          error={errors.sellerName?.message}
          {...register('sellerName')}
        />
        <TextInput
          label="Seller URL"
          description="Blank: the store's address."
          type="url"
          inputMode="url"
          placeholder="https://"
          error={errors.sellerUrl?.message}
          {...register('sellerUrl')}
        />
        <TextInput
          label="Privacy policy URL"
          type="url"
          inputMode="url"
          placeholder="https://"
          error={errors.privacyPolicy?.message}
          {...register('privacyPolicy')}
        />
        <TextInput
          label="Terms of service URL"
          type="url"
          inputMode="url"
          placeholder="https://"
          error={errors.termsOfService?.message}
          {...register('termsOfService')}
        />
        <TextInput
          label="Return policy URL"
          type="url"
          inputMode="url"
          placeholder="https://"
          error={errors.returnPolicy?.message}
          {...register('returnPolicy')}
        />
        <TextInput
          label="Return window (days)"
          inputMode="numeric"
          placeholder="30"
          error={errors.returnWindow?.message}
          {...register('returnWindow')}
        />
        <Controller
          control={ctl}
          name="storeCountry"
          render={({ field }) => (
            <Select
              label="Store country"
              description={storeCountryHint ? `Blank: ${storeCountryHint}, from WooCommerce.` : 'Where you ship from.'}
              data={countries}
              searchable
              clearable
              placeholder={storeCountryHint ?? 'Choose a country'}
              value={field.value || null}
              onChange={(v) => field.onChange(v ?? '')}
              onBlur={field.onBlur}
              error={errors.storeCountry?.message}
            />
          )}
        />
        <Controller
          control={ctl}
          name="targetCountries"
          render={({ field }) => (
            <MultiSelect
              label="Target countries"
              description="Where you sell. Blank: the store country."
              data={countries}
              searchable
              clearable
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={errors.targetCountries?.message}
            />
          )}
        />
      </SimpleGrid>
      <div>
        <Text fw={500} size="sm">
          Defaults for every product
        </Text>
        <Text size="xs" c="dimmed" mb="xs">
          Products can override these one by one.
        </Text>
        <Group gap="xl">
          <Controller
            control={ctl}
            name="enableSearch"
            render={({ field }) => (
              <Switch
                label="Show products in ChatGPT search"
                checked={field.value}
                onChange={(e) => field.onChange(e.currentTarget.checked)}
                onBlur={field.onBlur}
                error={errors.enableSearch?.message}
              />
            )}
          />
          <Controller
            control={ctl}
            name="enableCheckout"
            render={({ field }) => (
              <Switch
                label="Allow checkout in ChatGPT"
                checked={field.value}
                onChange={(e) => field.onChange(e.currentTarget.checked)}
                onBlur={field.onBlur}
                error={errors.enableCheckout?.message}
              />
            )}
          />
        </Group>
      </div>
    </Stack>
  );
}
