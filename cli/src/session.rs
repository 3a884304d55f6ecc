//! What every command starts from: the connection options of the command line, the config
//! file, and the output format; and connecting with them.

use crate::args::{ConnectionArgs, Format};
use crate::config::{self, ConfigFile};
use crate::failure::Failure;
use awsiotjobs::client::Client;

pub struct Session {
    pub connection: ConnectionArgs,
    pub file: ConfigFile,
    pub format: Format,
}

impl Session {
    pub fn new(connection: ConnectionArgs, format: Format) -> Result<Session, Failure> {
        let file = ConfigFile::load(&connection)?;
        Ok(Session {
            connection,
            file,
            format,
        })
    }

    /// The thing name given, else the config file's.
    pub fn thing_name(&self, given: Option<String>) -> Result<String, Failure> {
        config::thing_name(given, &self.file)
    }

    /// A client for `thing`'s jobs.
    pub fn connect(&self, thing: &str) -> Result<Client, Failure> {
        let options = config::connect_options(&self.connection, &self.file, thing)?;
        let broker = format!("{}:{}", options.host, options.port);
        Client::connect(&options).map_err(|e| Failure::connect(e, &broker))
    }
}
