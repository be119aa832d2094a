//! The ownership rule of shop-scoped routes: another user's shop answers 404, exactly like a
//! shop that does not exist. Shop routes take [`OwnedShop`] (path parameter `shopId`, or `id`).

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use productsynch_db::entities::shops;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

/// Loads a shop of `user_id`; `NotFound` for a missing shop and for someone else's, alike.
/// The owner is part of the query itself, so there is no window for a check-then-use mistake.
pub async fn owned_shop(state: &AppState, user_id: &str, shop_id: &str) -> Result<shops::Model, ApiError> {
    if shop_id.is_empty() || shop_id.len() > 64 {
        return Err(ApiError::NotFound);
    }
    shops::Entity::find_by_id(shop_id.to_owned())
        .filter(shops::Column::UserId.eq(user_id))
        .one(state.app.db())
        .await
        .map_err(|e| ApiError::from(productsynch_core::Error::from(e)))?
        .ok_or(ApiError::NotFound)
}

/// The signed-in user and the shop named in the path, which the user owns.
#[derive(Debug, Clone)]
pub struct OwnedShop {
    pub user: AuthUser,
    pub shop: shops::Model,
}

impl FromRequestParts<AppState> for OwnedShop {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        let shop_id = params.get("shopId").or_else(|| params.get("id")).ok_or(ApiError::NotFound)?;
        let shop = owned_shop(state, user.id(), shop_id).await?;
        Ok(OwnedShop { user, shop })
    }
}
