int check_placeholder_uri;
