"""Configuration checks: containers, clusters, cloud (Terraform) and ML servers wherever they are launched."""
