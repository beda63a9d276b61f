int oauth2_admin_placeholder_main;
int main(void){return 0;}
