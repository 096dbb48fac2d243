//! Tenant user accounts (logins): created by provisioning, the demo and managers.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use klustera_entities::tenant::user;

use super::password;
use crate::common::context::Role;
use crate::common::error::{ApiError, ApiResult};
use crate::common::types::{Email, Phone};
use crate::domains::property::service::get_resident;

pub struct NewAccount {
    pub role: Role,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password: String,
    pub display_name: String,
    pub resident_id: Option<i64>,
}

/// Creates a login in the connection's tenant and returns its id. Residents must name their
/// resident record.
pub async fn create(db: &impl ConnectionTrait, account: NewAccount) -> ApiResult<i64> {
    if account.role == Role::SuperAdmin {
        return Err(ApiError::bad_input(
            "role",
            "super admins live in the control plane",
        ));
    }
    match (account.role, account.resident_id) {
        (Role::Resident, None) => {
            return Err(ApiError::bad_input(
                "residentId",
                "required for a RESIDENT login",
            ));
        }
        (Role::Resident, Some(id)) => {
            get_resident(db, id)
                .await
                .map_err(|_| ApiError::bad_input("residentId", "no such resident"))?;
        }
        (_, Some(_)) => {
            return Err(ApiError::bad_input(
                "residentId",
                "only RESIDENT logins have one",
            ));
        }
        (_, None) => {}
    }
    let email = account
        .email
        .as_deref()
        .map(|e| Email::parse("email", e).map(Email::into_string))
        .transpose()?;
    let phone = account
        .phone
        .as_deref()
        .map(|p| Phone::parse("phone", p))
        .transpose()?;
    if email.is_none() && phone.is_none() {
        return Err(ApiError::bad_input(
            "email",
            "an email or a phone is required",
        ));
    }
    let display_name = account.display_name.trim().to_owned();
    if display_name.is_empty() {
        return Err(ApiError::bad_input("displayName", "must not be empty"));
    }
    let password_hash = password::hash(account.password).await?;
    // Only the id comes back: provisioning by a binary whose newest migration added a
    // column still works on a schema that lacks it (tenants created one version behind).
    user::Entity::insert(user::ActiveModel {
        email: Set(email),
        phone: Set(phone.map(|p| p.to_string())),
        password_hash: Set(password_hash),
        role: Set(account.role),
        resident_id: Set(account.resident_id),
        display_name: Set(display_name),
        ..Default::default()
    })
    .exec(db)
    .await
    .map(|done| done.last_insert_id)
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => {
            ApiError::Conflict("a login with this email or phone already exists".into())
        }
        other => other,
    })
}
