-- A second database for the Prefect server next to the app's own.
CREATE DATABASE prefect OWNER remiss;
