int check_placeholder_key;
