//! The API's door: a call's bearer token resolved to its grant, checked per RPC, and per turn or
//! signal on streams (so a token revoked by a reload stops working on open streams too).
//! Denials are counted in `rapport_errors_total` and logged with the token's name and the peer,
//! never the token.

use std::net::SocketAddr;
use std::sync::Arc;

use tonic::{Request, Status};

use super::status;
use crate::auth::{Authenticator, Credential, Denied, Grant, Scope};
use crate::pipeline::{Pipeline, PipelineError};

/// Who is calling: what they presented, re-checked against the current token book on demand.
#[derive(Clone)]
pub struct Caller {
    auth: Arc<Authenticator>,
    credential: Credential,
    peer: Option<SocketAddr>,
}

impl Caller {
    pub fn of<T>(auth: &Arc<Authenticator>, request: &Request<T>) -> Self {
        let header = request
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        Self {
            auth: auth.clone(),
            credential: Credential::from_header(header),
            peer: request.remote_addr(),
        }
    }

    /// The grant, if it has one of `scopes`; the call is refused otherwise.
    pub fn authorize(&self, rpc: &'static str, scopes: &[Scope]) -> Result<Arc<Grant>, Status> {
        let grant = self
            .auth
            .grant(&self.credential)
            .map_err(|d| self.refuse(rpc, None, d))?;
        grant
            .require_any(scopes)
            .map_err(|d| self.refuse(rpc, Some(&grant), d))?;
        Ok(grant)
    }

    /// The grant, if it has `scope` for `tenant`; the call is refused otherwise.
    pub fn authorize_tenant(
        &self,
        rpc: &'static str,
        scope: Scope,
        tenant: &str,
    ) -> Result<Arc<Grant>, Status> {
        let grant = self.authorize(rpc, &[scope])?;
        grant
            .allow(scope, tenant)
            .map_err(|d| self.refuse(rpc, Some(&grant), d))?;
        Ok(grant)
    }

    /// Grant check for one request inside a stream, answered in-band.
    pub fn admit(&self, scope: Scope, tenant: &str) -> Result<(), PipelineError> {
        let denied = match self.auth.grant(&self.credential) {
            Ok(grant) => match grant.allow(scope, tenant) {
                Ok(()) => return Ok(()),
                Err(denied) => denied,
            },
            Err(denied) => denied,
        };
        tracing::debug!(peer = ?self.peer, %denied, "request refused");
        Err(denied.into())
    }

    /// A Converse turn: the grant for its tenant, then the tenant's turn rate.
    pub fn admit_turn(&self, pipeline: &Pipeline, tenant: &str) -> Result<(), PipelineError> {
        self.admit(Scope::Converse, tenant)?;
        pipeline
            .quotas()
            .admit_turn(tenant)
            .map_err(|e| PipelineError::ResourceExhausted(e.0))
    }

    fn refuse(&self, rpc: &'static str, grant: Option<&Grant>, denied: Denied) -> Status {
        let token = grant.map(|g| g.name.as_str());
        tracing::warn!(rpc, peer = ?self.peer, token, %denied, "call refused");
        status::status(&denied.into())
    }
}

impl From<Denied> for PipelineError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::Unauthenticated(why) => Self::Unauthenticated(why.into()),
            Denied::PermissionDenied(why) => Self::PermissionDenied(why),
        }
    }
}
